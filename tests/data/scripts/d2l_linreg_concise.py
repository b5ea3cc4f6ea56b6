"""《动手学深度学习》3.3 线性回归的简洁实现：nn.Sequential、nn.MSELoss 和 optim.SGD。"""
import torch
from torch import nn
from torch.utils import data

# 生成数据集：y = Xw + b，这里不加噪声，特征取固定的网格点，每次运行都一样
true_w = torch.tensor([2.0, -3.4])
true_b = 4.2
features = torch.stack([torch.linspace(-1.0, 1.0, 20), torch.linspace(1.0, -0.5, 20) ** 2], dim=1)
labels = (torch.matmul(features, true_w) + true_b).reshape((-1, 1))


def load_array(data_arrays, batch_size, is_train=True):
    """构造一个 PyTorch 数据迭代器"""
    dataset = data.TensorDataset(*data_arrays)
    return data.DataLoader(dataset, batch_size, shuffle=is_train)


batch_size = 20  # 整个数据集作为一个批量，每个迭代周期看到相同的数据
data_iter = load_array((features, labels), batch_size, is_train=False)

# 定义模型，初始化模型参数
net = nn.Sequential(nn.Linear(2, 1))
net[0].weight.data.fill_(0.01)
net[0].bias.data.fill_(0)

loss = nn.MSELoss()  # 均方误差
trainer = torch.optim.SGD(net.parameters(), lr=0.03)

num_epochs = 30
for epoch in range(num_epochs):
    for X, y in data_iter:
        l = loss(net(X), y)
        trainer.zero_grad()
        l.backward()
        trainer.step()
    print(f"epoch {epoch + 1}, loss {l.item():f}")

w = net[0].weight.data
print("w的估计误差：", true_w - w.reshape(true_w.shape))
